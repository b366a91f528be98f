# Sourced by the action's steps: values put into GitHub Actions workflow commands are escaped
# as cyclemap's `github` reporter escapes them (`%` first, then CR and LF; property values
# also `:` and `,`), so a file name or an input holding a line break cannot start a command
# line of its own (`::error`, `::stop-commands::`) nor end a property early.

cm_data() {
  local value=${1//'%'/'%25'}
  value=${value//$'\r'/'%0D'}
  value=${value//$'\n'/'%0A'}
  printf '%s' "$value"
}

cm_property() {
  local value
  value=$(cm_data "$1")
  value=${value//:/'%3A'}
  value=${value//,/'%2C'}
  printf '%s' "$value"
}
