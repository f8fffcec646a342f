"""Data generators shared by the benchmarks: the same records the demo seeder creates."""
