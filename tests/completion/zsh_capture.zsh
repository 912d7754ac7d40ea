#!/usr/bin/zsh -f
# SPDX-License-Identifier: Apache-2.0
# zsh_capture.zsh FUNCTIONS_DIR LINE...: prints what zsh offers when TAB is
# typed after each LINE, as "INDEX<tab>CANDIDATE" lines (INDEX from 1), with
# the completion functions of FUNCTIONS_DIR first in $fpath. One interactive
# zsh runs in a pseudo-terminal (zsh/zpty) with compinit; compadd is wrapped
# to print every candidate it adds (calls that only compute matches, with -O,
# -A or -D, pass through), TAB runs complete-word and then prints a marker,
# and Ctrl-U clears the line for the next one.
zmodload zsh/zpty
functions_dir=$1
shift
setup=$(mktemp)
cat >$setup <<SETUP
PROMPT=''
RPROMPT=''
fpath=($functions_dir \$fpath)
autoload -U compinit
compinit -u -D
bindkey -e
zstyle ':completion:*' insert-tab false
capture-complete() {
  zle complete-word
  print -r -- "COMPLETION-DONE"
}
zle -N capture-complete
bindkey '^I' capture-complete
compadd() {
  if (( \${@[(I)-[OAD]]} )); then
    builtin compadd "\$@"
    return
  fi
  local -a hits
  builtin compadd -A hits "\$@"
  local h
  for h in \$hits; do print -r -- "COMPLETION-HIT:\$h"; done
  builtin compadd "\$@"
}
print -r -- "SETUP-DONE"
SETUP
zpty z zsh -f -i
zpty -w z "source $setup"
while zpty -r z line; do [[ $line == *SETUP-DONE* ]] && break; done
integer index=0
for text in "$@"; do
  index+=1
  zpty -w -n z "$text"$'\t'
  while zpty -r z line; do
    [[ $line == *COMPLETION-DONE* ]] && break
    [[ $line == *COMPLETION-HIT:* ]] && print -r -- "$index"$'\t'"${${line#*COMPLETION-HIT:}%%$'\r'*}"
  done
  zpty -w -n z $'\C-u'
done
zpty -d z
rm -f $setup
