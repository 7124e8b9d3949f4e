// Starts Swagger UI on /docs (a file, not an inline script, so the page's CSP needs no 'unsafe-inline').
(() => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root?.dataset.specUrl ?? "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    tryItOutEnabled: false,
    // The default validator badge loads an image from validator.swagger.io: nothing leaves this origin.
    validatorUrl: null,
  });
})();
