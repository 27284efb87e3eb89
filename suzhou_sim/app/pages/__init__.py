"""The app's pages: one module per view, each only reading results and drawing them."""
