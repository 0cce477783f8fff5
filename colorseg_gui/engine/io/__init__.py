"""What reads and writes files: decoding and its guards, pixel modes, writers, palettes."""
