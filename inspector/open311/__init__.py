"""Open311 GeoReport v2 server at /open311/v2/: other city systems send and read reports."""
