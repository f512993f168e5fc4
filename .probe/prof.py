import json,sys,collections
p=json.load(open(sys.argv[1]))
limit=float(sys.argv[2]) if len(sys.argv)>2 else 1e18
nodes={n['id']:n for n in p['nodes']}
parent={}
for n in p['nodes']:
    for c in n.get('children',[]): parent[c]=n['id']
# time per sample
t=p['startTime']; times=[]
for d in p['timeDeltas']:
    t+=d; times.append(t)
self_=collections.Counter(); byurl=collections.Counter(); total=collections.Counter()
for i,s in enumerate(p['samples']):
    if (times[i]-p['startTime'])/1000>limit: break
    dt=(p['timeDeltas'][i+1] if i+1<len(p['timeDeltas']) else 0)/1000
    n=nodes[s]; cf=n['callFrame']
    self_[(cf['functionName'] or '(anon)')+' '+cf['url'].split('/node_modules/')[-1][:60]]+=dt
    u=cf['url']
    key=u.split('/node_modules/')[1].split('/')[0] if '/node_modules/' in u else (u.split('/dist/')[-1] if '/dist/' in u else (u or cf['functionName']))
    byurl[key]+=dt
print('duration ms',(times[-1]-p['startTime'])/1000)
for k,v in byurl.most_common(25): print(f'{v:8.1f} {k}')
print('---')
for k,v in self_.most_common(15): print(f'{v:8.1f} {k}')
