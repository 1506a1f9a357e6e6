// The browsable API page: Swagger UI over our own OpenAPI document. A file, not an inline
// script, so the page keeps the strict CSP of every other page (script-src 'self').
/* global SwaggerUIBundle */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.url,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null, // its badge would be an image from another host
    defaultModelsExpandDepth: 0,
    docExpansion: "none",
  });
})();
