"""A second, non-fashion sample domain: a synthetic home-goods catalog with ground truth."""

from sample_data.home.generate import HOME_COLUMNS, HOME_FAMILIES, generate_home_sample
from sample_data.home.listing import HomeListing, write_home_listing
from sample_data.home.render import RenderedItem, render_home_item
from sample_data.home.spec import HomeSpec, sample_home_specs
from sample_data.home.vlm_output import home_vlm_attributes
from sample_data.home.vocabulary import load_home_vocabulary

__all__ = [
    "HOME_COLUMNS", "HOME_FAMILIES", "HomeListing", "HomeSpec", "RenderedItem",
    "generate_home_sample", "home_vlm_attributes", "load_home_vocabulary", "render_home_item",
    "sample_home_specs", "write_home_listing",
]
