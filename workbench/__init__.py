"""The Streamlit workbench and the `workbench` command line."""
