"""Small helpers every layer shares: text made safe to show (`text`), figures written for
people (`numbers`), paths as shown (`paths`), the one place files are written (`files`), and
process hygiene (`signals`, `gcpause`). They import nothing of cyclemap but `errors`."""
