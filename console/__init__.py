"""The web console: council members, principals and coordinators sign in and run their
year in a browser. Server-rendered pages that work without JavaScript (htmx, shipped in
the package, only improves them); Japanese first, English by a switch."""
