"""The (query, item) engagement model: position-debiased P(engaged | query, item, examined) from the search log."""
