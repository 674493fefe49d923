#!/usr/bin/env bash
# Builds the services' container base filesystem (target/image-base/rootfs) without a Docker daemon or a registry: the Debian packages pinned
# in scripts/image-base.lock, checked against their SHA256 and unpacked (never installed: no maintainer scripts
# run), a JRE jlinked from the pinned JDK's jmods, /etc/passwd with the services' user 185 and a trust store.
# Jib then lays this directory as the images' first layer (see the root pom's jib-maven-plugin configuration).
#
#   scripts/image-base.sh [--if-needed]   build target/image-base/rootfs (--if-needed: instant when up to date)
#   scripts/image-base.sh --update-lock   re-pin every package of the lock to the apt index's current candidate
#
# The .deb files are cached in $SNAPFIND_DEB_CACHE (default ~/.cache/snapfind/debs).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOCK="$ROOT/scripts/image-base.lock"
OUT="$ROOT/target/image-base"
ROOTFS="$OUT/rootfs"
CACHE="${SNAPFIND_DEB_CACHE:-$HOME/.cache/snapfind/debs}"
ARCH=amd64

# The JDK modules the services use (Quarkus, Vert.x/Netty, Kafka's client and SASL, Micrometer's JVM metrics,
# ImageIO for decoding, ONNX Runtime/DJL through JNI). jdk.crypto.ec: TLS with EC keys; jdk.naming.dns and
# jdk.zipfs: looked up by libraries at run time, so jdeps cannot see them.
JAVA_MODULES=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,\
java.prefs,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,\
jdk.crypto.ec,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

apt_update_once() {
  if [ -z "${APT_UPDATED:-}" ] && [ "$(id -u)" = 0 ]; then
    apt-get update -q >/dev/null
    APT_UPDATED=1
  fi
}

if [ "${1:-}" = --update-lock ]; then
  apt_update_once
  tmp="$(mktemp)"
  grep '^#' "$LOCK" > "$tmp"
  grep -v '^#' "$LOCK" | while read -r role pkg _ _; do
    version="$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')"
    sha="$(apt-cache show "$pkg=$version" | awk '/^SHA256:/ {print $2; exit}')"
    echo "$role $pkg $version $sha"
  done >> "$tmp"
  mv "$tmp" "$LOCK"
  exit 0
fi

STAMP="$OUT/lock.sha256"
want="$( (cat "$LOCK"; cat "$0") | sha256sum | cut -d' ' -f1)"
if [ "${1:-}" = --if-needed ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -d "$ROOTFS" ]; then
  exit 0
fi
mkdir -p "$OUT" "$CACHE"
# One builder at a time: parallel module builds (-T) all ask for the same base.
exec 9> "$OUT/.lock"
flock 9
if [ "${1:-}" = --if-needed ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -d "$ROOTFS" ]; then
  exit 0
fi

fetch() { # pkg version sha256 -> path of the verified .deb in the cache
  local pkg="$1" version="$2" sha="$3"
  local file="$CACHE/$pkg-$sha.deb" dir
  if [ ! -f "$file" ]; then
    dir="$(mktemp -d "$CACHE/.download.XXXXXX")"
    (cd "$dir" && apt-get download -q "$pkg=$version" >/dev/null 2>&1) \
      || { apt_update_once; (cd "$dir" && apt-get download -q "$pkg=$version" >/dev/null); } \
      || { echo "image-base: $pkg $version is no longer in the apt index; re-pin: scripts/image-base.sh --update-lock" >&2; exit 1; }
    if [ "$(sha256sum "$dir"/*.deb | cut -d' ' -f1)" != "$sha" ]; then
      echo "image-base: the downloaded $pkg $version does not match the SHA256 pinned in $LOCK" >&2
      rm -rf "$dir"
      exit 1
    fi
    mv "$dir"/*.deb "$file"
    rm -rf "$dir"
  fi
  echo "$file"
}

echo "image-base: building $ROOTFS from $(grep -vc '^#' "$LOCK") pinned packages ..."
rm -rf "$ROOTFS" "$OUT/jdk" "$OUT/cuda-overlay" "$OUT/none"
mkdir -p "$ROOTFS/var/lib/dpkg/status.d" "$OUT/jdk"
while read -r role pkg version sha; do
  deb="$(fetch "$pkg" "$version" "$sha")"
  case "$role" in
    runtime)
      dpkg-deb -x "$deb" "$ROOTFS"
      # What is in the image and at which version, where image scanners look for it (as distroless does).
      dpkg-deb -f "$deb" > "$ROOTFS/var/lib/dpkg/status.d/$pkg" ;;
    jdk) dpkg-deb -x "$deb" "$OUT/jdk" ;;
    *) echo "image-base: unknown role '$role' in $LOCK" >&2; exit 1 ;;
  esac
done < <(grep -v '^#' "$LOCK")

JDK="$OUT/jdk/usr/lib/jvm/java-17-openjdk-$ARCH"
"$JDK/bin/jlink" --module-path "$JDK/jmods" --add-modules "$JAVA_MODULES" --output "$ROOTFS/opt/java/openjdk" \
  --strip-debug --no-man-pages --no-header-files --compress=2
# Debian's JDK links its trust store to /etc/ssl/certs/java/cacerts, which only the ca-certificates-java
# maintainer script would make: make it here, from the pinned ca-certificates package's Mozilla roots.
rm -f "$ROOTFS/opt/java/openjdk/lib/security/cacerts"
"$JDK/bin/java" -Dkeystore.pkcs12.certProtectionAlgorithm=NONE -Dkeystore.pkcs12.macAlgorithm=NONE \
  "$ROOT/scripts/ImportCaCertificates.java" "$ROOTFS/usr/share/ca-certificates/mozilla" \
  "$ROOTFS/opt/java/openjdk/lib/security/cacerts"
rm -rf "$OUT/jdk"

# Jib follows symbolic links when it lays a directory out: an absolute one would reach this machine's files.
find "$ROOTFS" -type l -lname '/*' | while read -r link; do
  ln -sfn "$(realpath --relative-to="$(dirname "$link")" -m "$ROOTFS$(readlink "$link")")" "$link"
done

# The services' user, 185 as in the Red Hat/Quarkus OpenJDK images; its home is the writable /tmp.
mkdir -p "$ROOTFS/etc" "$ROOTFS/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nsnapfind:x:185:185:snapfind:/tmp:/sbin/nologin\n' > "$ROOTFS/etc/passwd"
printf 'root:x:0:\nsnapfind:x:185:\n' > "$ROOTFS/etc/group"
# Documentation, locales and iconv modules: nothing in a JVM service reads them.
rm -rf "$ROOTFS"/usr/share/{doc,man,info,lintian,locale} "$ROOTFS"/usr/lib/x86_64-linux-gnu/gconv
# The CUDA image's base is NVIDIA's Ubuntu image, which has its own C library: it gets the JRE alone, with the two
# libraries Debian's JRE links that Ubuntu names differently (found through the JRE's $ORIGIN run path).
mkdir -p "$OUT/cuda-overlay/opt/java" "$OUT/none"
cp -a "$ROOTFS/opt/java/openjdk" "$OUT/cuda-overlay/opt/java/"
cp -L "$ROOTFS"/usr/lib/x86_64-linux-gnu/{libjpeg.so.62,liblcms2.so.2} "$OUT/cuda-overlay/opt/java/openjdk/lib/"
echo "$want" > "$STAMP"
echo "image-base: $(du -sh "$ROOTFS" | cut -f1) in $ROOTFS"
