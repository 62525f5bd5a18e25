"""Every practice attempt kept locally: the store, its SQLite file, views, playback, the progress
plot.

Nothing heavy is imported here: `closer --help` stays light."""
