# bash completion for docbao(1) — commands, options, categories, site ids, voices, dialects.
#
# Categories and site ids come from `docbao categories --json` (the sites file in use, or the
# one given with --sources), asked once per shell and remembered; when that fails, the
# built-in slugs are offered.

_docbao_builtin_categories="xa-hoi thoi-su the-gioi kinh-te kinh-doanh giao-duc suc-khoe
the-thao phap-luat van-hoa doi-song cong-nghe tin-moi"
_docbao_builtin_sites="vnexpress dantri tuoitre thanhnien vietnamnet vov nhandan baotintuc nld
baoquangninh"

# Prints the values of "key": "value" lines of `docbao categories --json` for key $1 ("slug"
# or "id"); $2 is a --sources file or empty.
_docbao_json_values()
{
    local key=$1 sources=$2 cache_var
    cache_var="_docbao_cache_${key}_$(printf '%s' "$sources" | cksum | cut -d' ' -f1)"
    if [[ -z ${!cache_var-} ]]; then
        local out
        if [[ -n $sources ]]; then
            out=$(command docbao --sources "$sources" categories --json 2>/dev/null)
        else
            out=$(command docbao categories --json 2>/dev/null)
        fi
        out=$(printf '%s\n' "$out" |
            sed -n 's/^[[:space:]]*"'"$key"'": "\([a-z0-9_-]*\)",\{0,1\}$/\1/p' | sort -u)
        printf -v "$cache_var" '%s' "${out:- }"
    fi
    printf '%s\n' "${!cache_var}"
}

_docbao()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion -n =, || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        # without bash-completion, "--category=x" arrives as three words: --category = x
        if [[ $cur == = ]]; then
            cur="" prev=${COMP_WORDS[COMP_CWORD - 1]}
        elif [[ $prev == = ]]; then
            prev=${COMP_WORDS[COMP_CWORD - 2]}
        fi
    fi

    local commands="list categories sources read text extract daemon config pause resume toggle next
        prev next-article prev-article faster slower faster2 slower2 normal speed repeat title where
        sleep enter stop quit status"
    local opts_arg="-c --category -s --source -n --limit --speed --voice -o --export --sources
        --sleep --dialect --output --intro --outro --rate --loudness --days --url"
    local opts_flag="--all --unheard --offline --headlines --json --sentences --no-intro --headlines-only
        --print -q --quiet -v --verbose -h --help -V --version"

    # the command word (the first word that is not an option or an option's value) and the
    # --sources file, if any
    local i cmd="" sources="" w
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
        --sources)
            ((i++))
            [[ ${words[i]-} == = ]] && ((i++))
            sources=${words[i]-}
            ;;
        --sources=*) sources=${w#--sources=} ;;
        -c | --category | -s | --source | -n | --limit | --speed | --voice | -o | --export | \
            --sleep | --dialect | --output | --intro | --outro | --rate | --loudness)
            ((i++))
            [[ ${words[i]-} == = ]] && ((i++)) # "--opt = value" without bash-completion
            ;;
        -*) ;;
        *) [[ -z $cmd ]] && cmd=$w ;;
        esac
    done
    sources=${sources/#\~/$HOME}

    # --opt=value written as one word
    if [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    case $prev in
    -c | --category)
        local cats
        cats=$(_docbao_json_values slug "$sources")
        [[ -z ${cats// /} ]] && cats=$_docbao_builtin_categories
        COMPREPLY=($(compgen -W "$cats" -- "$cur"))
        return
        ;;
    -s | --source)
        local ids pre=""
        ids=$(_docbao_json_values id "$sources")
        [[ -z ${ids// /} ]] && ids=$_docbao_builtin_sites
        if [[ $cur == *,* ]]; then
            pre=${cur%,*},
            cur=${cur##*,}
        fi
        COMPREPLY=($(compgen -P "$pre" -W "$ids" -- "$cur"))
        [[ ${#COMPREPLY[@]} -eq 1 ]] && compopt -o nospace 2>/dev/null
        return
        ;;
    --voice)
        COMPREPLY=($(compgen -W "vi vi-vn-x-central vi-vn-x-south" -- "$cur"))
        return
        ;;
    --dialect)
        COMPREPLY=($(compgen -W "north south" -- "$cur"))
        return
        ;;
    --output)
        COMPREPLY=($(compgen -W "auto alsa portaudio speechd" -- "$cur"))
        return
        ;;
    --rate)
        COMPREPLY=($(compgen -W "48000 44100" -- "$cur"))
        return
        ;;
    --speed)
        COMPREPLY=($(compgen -W "0.5 0.75 1.0 1.25 1.5 2.0 3.0 4.0" -- "$cur"))
        return
        ;;
    --loudness)
        COMPREPLY=($(compgen -W "-23 -16" -- "$cur"))
        return
        ;;
    --sleep)
        COMPREPLY=($(compgen -W "15 30 45 60 90" -- "$cur"))
        return
        ;;
    -n | --limit | --intro | --outro)
        return
        ;;
    -o | --export)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --sources)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
        return
        ;;
    speed)
        [[ $cmd == speed ]] && COMPREPLY=($(compgen -W "0.5 1.0 1.5 2.0" -- "$cur")) && return
        ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts_arg $opts_flag" -- "$cur"))
        return
    fi
    case $cmd in
    "")
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        ;;
    read | extract | text)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    esac
}

complete -F _docbao docbao
