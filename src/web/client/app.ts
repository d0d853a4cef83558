/**
 * The storefront's one client script (islands on server-rendered pages; every page works without it):
 * - endless scroll: a `[data-more]` link (the next feed or search page) is replaced by the page's cards when it
 *   scrolls into view, fetched as an HTML fragment from the link's own URL with `fragment=1`;
 * - in-place forms: `form[data-inplace]` (not interested, favorite) post with fetch and update the card instead
 *   of reloading the page (the server answers the same form with a redirect when JavaScript is off).
 */

function wireMore(link: HTMLAnchorElement): void {
  const list = document.querySelector<HTMLElement>(link.dataset.more ?? "");
  if (!list) return;
  const observer = new IntersectionObserver(
    async (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      const url = new URL(link.href);
      url.searchParams.set("fragment", "1");
      link.textContent = "Loading…";
      try {
        const res = await fetch(url, { headers: { accept: "text/html" }, credentials: "same-origin" });
        if (!res.ok) throw new Error(String(res.status));
        const tpl = document.createElement("template");
        tpl.innerHTML = await res.text();
        const items = [...tpl.content.children].filter((el) => el.tagName === "LI");
        // appendChild, not append(...): the repo's Workers types redeclare Element.append (HTMLRewriter).
        for (const item of items) list.appendChild(item);
        const next = tpl.content.querySelector<HTMLAnchorElement>("a[data-more]");
        if (next) {
          link.replaceWith(next);
          wireMore(next);
        } else link.remove();
        wireForms(list);
      } catch {
        link.textContent = "More";
      }
    },
    { rootMargin: "600px" },
  );
  observer.observe(link);
}

function wireForms(root: Document | HTMLElement): void {
  for (const form of root.querySelectorAll<HTMLFormElement>("form[data-inplace]")) {
    if (form.dataset.wired) continue;
    form.dataset.wired = "1";
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const res = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form) as unknown as Record<string, string>),
        headers: { accept: "application/json" },
        credentials: "same-origin",
        // A redirect means "sign in first": submit the form for real so the browser follows it.
        redirect: "manual",
      });
      if (!res.ok) {
        form.submit();
        return;
      }
      const mode = form.dataset.inplace;
      if (mode === "remove-card") form.closest("li")?.remove();
      else if (mode === "toggle") {
        const button = form.querySelector("button");
        const on = form.dataset.on !== "1";
        form.dataset.on = on ? "1" : "0";
        const intent = form.querySelector<HTMLInputElement>("input[name=intent]");
        if (intent) intent.value = on ? "remove" : "add";
        if (button) {
          button.textContent = on ? (form.dataset.onLabel ?? "Saved") : (form.dataset.offLabel ?? "Save");
          button.setAttribute("aria-pressed", String(on));
        }
      }
    });
  }
}

for (const link of document.querySelectorAll<HTMLAnchorElement>("a[data-more]")) wireMore(link);
wireForms(document);
