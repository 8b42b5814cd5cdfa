// <loyalty-card>: a web component with an OPEN shadow root that shows the
// member's email and number. A capture must look into shadow roots to find
// (and black out) personal data rendered there; light-DOM queries miss it.
class LoyaltyCard extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: "open" });
    const text = (name) => this.getAttribute(name) ?? "";
    // A constructable stylesheet, not a <style> element: a page with a strict
    // Content-Security-Policy (demo/serve.mjs --csp) blocks inline styles.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`
        :host { display: block; border-radius: 14px; overflow: hidden; color: #fff;
                font-family: "Liberation Sans", "DejaVu Sans", sans-serif;
                background: linear-gradient(135deg, #1f5f5b 0%, #2f8a7f 55%, #d9a441 140%); }
        .top { display: flex; justify-content: space-between; padding: 16px 18px 6px; }
        .tier { font-size: 11px; letter-spacing: .12em; text-transform: uppercase; opacity: .85; }
        .points { font-size: 30px; font-weight: 700; padding: 0 18px; }
        .points small { font-size: 13px; font-weight: 400; opacity: .85; }
        .who { padding: 10px 18px 16px; font-size: 13px; line-height: 1.5; }
        .num { font-family: "DejaVu Sans Mono", monospace; letter-spacing: .08em; }
        svg { opacity: .9; }`);
    root.adoptedStyleSheets = [sheet];
    root.innerHTML = `
      <div class="top"><span class="tier"></span>
        <svg width="34" height="22" viewBox="0 0 34 22"><path d="M2 20 12 6l6 8 4-5 10 11z" fill="#fff"/></svg></div>
      <div class="points"></div>
      <div class="who"><div class="name"></div><div class="mail"></div><div class="num"></div></div>`;
    // textContent, never innerHTML, for attribute values.
    root.querySelector(".tier").textContent = `Trail Points · ${text("tier")} member`;
    root.querySelector(".points").innerHTML = "<span></span> <small>points</small>";
    root.querySelector(".points span").textContent = text("points");
    root.querySelector(".name").textContent = text("member");
    root.querySelector(".mail").textContent = text("email");
    root.querySelector(".num").textContent = `No. ${text("number")}`;
  }
}
customElements.define("loyalty-card", LoyaltyCard);
