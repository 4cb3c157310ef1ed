"""Composition root: the only package that imports core, bot and web and wires them."""
