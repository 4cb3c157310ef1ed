// Renders /openapi.json as a readable list, with textContent only (no dependencies).
"use strict";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

document.addEventListener("DOMContentLoaded", async () => {
  const doc = await (await fetch("/openapi.json")).json();
  document.getElementById("description").textContent = doc.info.description;
  const ops = document.getElementById("ops");
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const box = el("section", null, "op");
      const head = el("div");
      head.append(el("span", method.toUpperCase(), "method"), el("code", path), el("span", " — " + op.summary));
      box.append(head);
      const auth = op.security && op.security.length ? "auth: Bearer JWT or API key (or X-API-Key)" : "public";
      box.append(el("div", auth, "meta"));
      if (op.parameters) {
        const list = el("ul");
        for (const p of op.parameters) list.append(el("li", `${p.name} (${p.in}${p.required ? ", required" : ""}): ${JSON.stringify(p.schema)}`));
        box.append(list);
      }
      if (op.requestBody) box.append(el("pre", JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)));
      box.append(el("div", "responses: " + Object.keys(op.responses).join(", "), "meta"));
      ops.append(box);
    }
  }
});
