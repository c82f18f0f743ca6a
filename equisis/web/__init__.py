"""The web shell: app factory, access control, CSRF, layout helpers, the list component, the JSON API."""
