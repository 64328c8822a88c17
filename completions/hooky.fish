complete --keep-order --exclusive --command hooky --arguments "(HOOKY_COMPLETE=fish hooky -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
