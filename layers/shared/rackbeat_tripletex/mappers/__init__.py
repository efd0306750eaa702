"""Pure mapping functions, one module per entity and direction. No I/O."""
