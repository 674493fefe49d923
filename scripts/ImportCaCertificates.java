import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a Java trust store (PKCS12) holding every certificate file of a directory, in one JVM where keytool would
 * take one per certificate. Run as a source file by scripts/image-base.sh with
 * -Dkeystore.pkcs12.certProtectionAlgorithm=NONE -Dkeystore.pkcs12.macAlgorithm=NONE, so that the store has no
 * random salt and the same certificates always give the same bytes (the image layer stays reproducible).
 *
 * <p>java ImportCaCertificates.java CERTIFICATE_DIR OUTPUT
 */
public class ImportCaCertificates {
    public static void main(String[] args) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        List<Path> files;
        try (var listing = Files.list(Path.of(args[0]))) {
            files = listing.filter(f -> f.toString().endsWith(".crt")).sorted().collect(Collectors.toList());
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                String alias = file.getFileName().toString().replaceFirst("\\.crt$", "").toLowerCase();
                store.setCertificateEntry(alias, x509.generateCertificate(in));
            }
        }
        try (FileOutputStream out = new FileOutputStream(args[1])) {
            store.store(out, new char[0]);
        }
        System.out.println(files.size() + " certificates in " + args[1]);
    }
}
