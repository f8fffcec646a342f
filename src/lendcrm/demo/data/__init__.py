"""Static tables behind the demo data generator, written by hand from public knowledge."""
