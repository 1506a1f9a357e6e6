"""The pages: the 随手拍 phone page (/m/), the grid worker's tasks (/m/tasks) and the staff
console (/console/). HTML shells plus plain ES modules served by us (no build step, no CDN);
every datum comes from /api/v1 with a bearer token the browser keeps, so the API stays
cookie-free and there is nothing for a forged cross-site request to ride on."""
