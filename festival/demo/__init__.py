"""Demo festival data for laptops, screenshots and browser tests."""
