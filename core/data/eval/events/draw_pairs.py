"""Draw candidate pairs from the labelled corpus (seeded); labels come later, blind."""
import json, random, itertools, collections
from datetime import date
from rapidfuzz import fuzz
rows=[json.loads(l) for l in open('core/data/labelled/corpus.jsonl')]
pool=[r for r in rows if r['is_tge'] and r.get('company') and r.get('date') and len(r['date'])==10]
by=collections.defaultdict(list)
for r in pool: by[r['company']].append(r)
rng=random.Random(20)
pairs=[]
for comp,items in sorted(by.items()):
    if len(items)<2: continue
    combos=list(itertools.combinations(sorted(items,key=lambda r:r['id']),2))
    rng.shuffle(combos)
    for a,b in combos[:4]:
        pairs.append((a,b,'same_project'))
# hard negatives: different projects, published within 14 days, most similar titles
cands=[]
for a,b in itertools.combinations(pool,2):
    if a['company']==b['company']: continue
    d=abs((date.fromisoformat(a['date'])-date.fromisoformat(b['date'])).days)
    if d>14: continue
    cands.append((fuzz.token_set_ratio(a['title'],b['title']),a['id'],b['id'],a,b))
cands.sort(key=lambda c:-c[0])
seen=set()
neg=[]
for s,ia,ib,a,b in cands:
    if ia in seen or ib in seen: continue
    seen.add(ia); seen.add(ib); neg.append((a,b,'near_in_time'))
    if len(neg)>=70: break
pairs+=neg
print(len(pairs), collections.Counter(p[2] for p in pairs))
out=[]
for i,(a,b,how) in enumerate(pairs):
    out.append({"pair":f"p-{i+1:03d}","a":a['id'],"b":b['id'],"drawn_as":how})
json.dump(out,open('/tmp/pairs_drawn.json','w'))
