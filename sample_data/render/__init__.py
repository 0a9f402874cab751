"""Procedural images of the sample catalog: product shots and multi-product scenes."""

from sample_data.render.compose import RenderedProduct, render_product
from sample_data.render.scenes import RenderedScene, render_scene

__all__ = ["RenderedProduct", "RenderedScene", "render_product", "render_scene"]
