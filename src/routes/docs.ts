import { Hono } from "hono";
import type { AppEnv } from "../context";

/**
 * API reference page. Hosted renderers (Swagger UI, Scalar) load their bundles from a CDN, which the
 * edge cannot rely on and offline machines cannot reach, so this small page renders /openapi.json itself.
 */
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Recircuit API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f7f8fa}
header{background:#0f5132;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
main{max-width:980px;margin:0 auto;padding:16px 24px}
section.op{background:#fff;border:1px solid #dde1e6;border-radius:8px;margin:12px 0;padding:12px 16px}
.m{display:inline-block;min-width:64px;font-weight:700;text-transform:uppercase;font-family:monospace}
.get{color:#0a7d38}.post{color:#0b5cad}.put,.patch{color:#9a6700}.delete{color:#b42318}
code{font-family:ui-monospace,monospace}table{border-collapse:collapse;width:100%;margin-top:6px}
td,th{border-top:1px solid #eef0f3;padding:4px 6px;text-align:left;vertical-align:top;font-size:14px}
.tag{font-size:12px;color:#57606a}
</style></head>
<body><header><h1>Recircuit API reference</h1><div id="ver"></div></header><main id="ops">Loading /openapi.json…</main>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const esc=s=>String(s??'').replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  document.getElementById('ver').textContent=(doc.info&&doc.info.title||'')+' '+(doc.info&&doc.info.version||'');
  const out=[];
  for(const [path,item] of Object.entries(doc.paths||{})){
    for(const [method,op] of Object.entries(item)){
      const params=(op.parameters||[]).map(p=>'<tr><td><code>'+esc(p.name)+'</code></td><td>'+esc(p.in)+'</td><td>'+(p.required?'required':'')+'</td><td>'+esc(p.description||(p.schema&&p.schema.type)||'')+'</td></tr>').join('');
      const responses=Object.entries(op.responses||{}).map(([s,r])=>'<tr><td>'+esc(s)+'</td><td colspan=3>'+esc(r.description)+'</td></tr>').join('');
      out.push('<section class="op"><span class="m '+method+'">'+method+'</span> <code>'+esc(path)+'</code> <span class="tag">'+esc((op.tags||[]).join(', '))+'</span><div>'+esc(op.summary||'')+'</div>'+(params?'<table><tr><th>parameter</th><th>in</th><th></th><th>about</th></tr>'+params+'</table>':'')+'<table><tr><th>status</th><th colspan=3>response</th></tr>'+responses+'</table></section>');
    }
  }
  document.getElementById('ops').innerHTML=out.join('');
}).catch(e=>{document.getElementById('ops').textContent='Could not load /openapi.json: '+e});
</script></body></html>`;

export const docsRoutes = new Hono<AppEnv>().get("/docs", (c) => c.html(page));
