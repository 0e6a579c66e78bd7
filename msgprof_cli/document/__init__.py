"""The messaging-profile document layer, one job per module.

==============  ====================================================================
``rules``       the field rules (the one declarative description) and read-only fields
``document``    a document, its issues and their paths
``loading``     read and parse YAML or JSON under the input limits
``interpolation``  ``${VAR}`` in string values of a parsed document
``validation``  check a document against the rules; the API payload
``schema``      the JSON Schema generated from the rules
``changes``     the diff, the merge with a live profile, payloads, the writable view
``setup_rules``  the optional setup sections (phone numbers, sender IDs, auto-responses)
``setup_rules`` phone numbers, sender IDs, auto-responses: the commands' values and the sections
==============  ====================================================================

The layer never touches the network, never prints and knows nothing of command-line flags
(``cli/flags.py`` derives those from the rules).  Nothing is imported here, so that importing one
module does not import the others; ``yaml`` is imported only when a YAML document is read.
"""
