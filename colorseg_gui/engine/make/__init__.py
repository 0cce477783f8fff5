"""What makes a result ready to make: regions, dithering, error maps, own colours."""
