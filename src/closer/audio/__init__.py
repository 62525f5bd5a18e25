"""Audio in and out: decoding, the mic, voice detection, gain, level meter, pitch, playback and
device picking.

Nothing heavy is imported here: `closer --help` stays light."""
