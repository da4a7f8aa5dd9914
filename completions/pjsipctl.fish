complete --keep-order --exclusive --command pjsipctl --arguments "(COMPLETE=fish pjsipctl -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
