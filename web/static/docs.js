// Swagger UI over the API's OpenAPI document, served from the packaged swagger-ui-bundle (no CDN, no
// inline script or style, so the app's CSP holds). "Try it out" sends the caller's token:
// the dashboard's sign-in (sessionStorage "tge_token") unless Authorize set another one.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const token = sessionStorage.getItem("tge_token");
  const ui = SwaggerUIBundle({
    url: "/docs/openapi-3.0.json", // /openapi.json (3.1) as 3.0: Swagger UI 4 reads 3.0
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    tryItOutEnabled: false,
    persistAuthorization: false,
    requestInterceptor: (request) => {
      const headers = request.headers || {};
      const hasAuth = Object.keys(headers).some(
        (name) => ["authorization", "x-api-key"].includes(name.toLowerCase())
      );
      const current = sessionStorage.getItem("tge_token");
      if (!hasAuth && current && request.url.indexOf(window.location.origin) === 0) {
        headers.Authorization = "Bearer " + current;
      }
      request.headers = headers;
      return request;
    },
  });
  if (token) {
    ui.preauthorizeApiKey("bearerAuth", token);
    document.getElementById("docs-auth-hint").textContent =
      "Signed in from the dashboard: \"Try it out\" sends your token.";
  }
  window.tgeDocs = ui; // for the browser test
});
