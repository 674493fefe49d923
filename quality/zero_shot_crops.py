#!/usr/bin/env python3
"""QUALITY.md, grocery zero-shot: which centre crop (the catalogue's `resize`) to choose, chosen on train.txt.

  pip install onnxruntime pillow numpy
  python3 quality/zero_shot_crops.py train|val 224/256 224/288 ...   (input size / shorter side resized to)

EfficientNet-Lite0 (the built efficientnet_lite0.onnx), no head: every photo of the split queries the 81 iconic
images by cosine; top-1 and top-5, fine class. A replica of the embedder's preprocessing in PIL (shorter side
resized with the antialiased bilinear filter, centre crop, (pixel - 127) / 128): its figures compare among
themselves (at 256 it gives val top-1 0.382 as the Java tools do, top-5 0.679 against their 0.693).
"""
import onnxruntime as ort, numpy as np, csv, os, sys, time
from PIL import Image
D=os.path.join(os.path.dirname(os.path.abspath(__file__)),'..','..','shared','assets','datasets','grocery-store','dataset','')
so=ort.SessionOptions(); so.intra_op_num_threads=2
s=ort.InferenceSession(os.path.expanduser('~/.cache/snapfind/models/efficientnet_lite0.onnx'),so)
def pre(path,R,S=224):
    im=Image.open(path).convert('RGB'); w,h=im.size
    if w<h: nw,nh=R,max(S,int(R*h/w))
    else: nh,nw=R,max(S,int(R*w/h))
    im=im.resize((nw,nh),Image.BILINEAR)
    l=round((nw-S)/2); t=round((nh-S)/2); im=im.crop((l,t,l+S,t+S))
    return ((np.asarray(im,dtype=np.float32)-127)/128).transpose(2,0,1)
def emb(paths,R,S=224):
    out=[]
    for i in range(0,len(paths),32):
        x=np.stack([pre(p,R,S) for p in paths[i:i+32]])
        f=s.run(['features'],{s.get_inputs()[0].name:x})[0]; out.append(f/np.linalg.norm(f,axis=1,keepdims=True))
    return np.concatenate(out)
cls=list(csv.DictReader(open(D+'classes.csv')))
icon=[D+c['Iconic Image Path (str)'].lstrip('/') for c in cls]; icls=np.array([int(c['Class ID (int)']) for c in cls])
split=sys.argv[1]
rows=[l.split(',') for l in open(D+split+'.txt') if l.strip()]
q=[D+r[0].strip() for r in rows]; qc=np.array([int(r[1]) for r in rows])
for a in sys.argv[2:]:
    S,R=(int(v) for v in a.split('/')); t=time.time(); G=emb(icon,R,S); Q=emb(q,R,S); Sim=Q@G.T; o=np.argsort(-Sim,axis=1)
    top1=(icls[o[:,0]]==qc).mean(); top5=np.mean([qc[i] in icls[o[i,:5]] for i in range(len(qc))])
    print(split,S,R,f"crop {S/R:.2f}",f"top1 {top1:.3f} top5 {top5:.3f}",f"{time.time()-t:.0f}s",flush=True)
