"""One module per page; each exports its `routes`."""
