/**
 * The storefront's one client script (islands on server-rendered pages; every page works without it):
 * - endless scroll: a `[data-more]` link (the next feed or search page) is replaced by the page's cards when it
 *   scrolls into view, fetched as an HTML fragment from the link's own URL with `fragment=1`;
 * - in-place forms: `form[data-inplace]` (not interested, favorite) post with fetch and update the card instead
 *   of reloading the page (the server answers the same form with a redirect when JavaScript is off);
 * - photo inputs: `input[data-max-bytes]` refuses a file over the limit or of another type before it is sent
 *   (the server checks the same and answers the page with the error beside the field when JavaScript is off).
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

function wirePhotoInput(input: HTMLInputElement): void {
  const max = Number(input.dataset.maxBytes);
  const accepted = input.accept.split(",");
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    let problem = "";
    if (file && file.size > max)
      problem = `That photo is too large: a photo may be at most ${Math.round((max / 1048576) * 10) / 10} MB.`;
    else if (file?.type && !accepted.includes(file.type)) problem = "That file is not a JPEG, PNG or WebP image.";
    input.setCustomValidity(problem);
    if (problem) input.reportValidity();
  });
}

for (const link of document.querySelectorAll<HTMLAnchorElement>("a[data-more]")) wireMore(link);
for (const input of document.querySelectorAll<HTMLInputElement>("input[data-max-bytes]")) wirePhotoInput(input);
wireForms(document);
