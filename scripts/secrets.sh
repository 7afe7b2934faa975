# Keeping the product's secrets (API keys, signing secrets) private; sourced by run.sh and
# run_scaled.sh. Each secret is a file only its owner may read (0600) in a folder only its
# owner may enter (0700): a key in var/ is a manager's rights or the power to forge cookies.
# A file found readable by others (made by an older version, or copied in) is closed at start
# and said so, with what to do about a key someone may have read (docs/security.md).

private_folder() {  # folder
    mkdir -p "$1"
    chmod 700 "$1"
}

secret_file() {  # path, command... : the path holds the command's output, private; made once
    local path=$1
    shift
    if [ ! -s "$path" ]; then
        if ! (umask 077 && "$@" > "$path.new"); then
            rm -f "$path.new"
            echo "error: could not make $path" >&2
            return 1
        fi
        mv "$path.new" "$path"
    fi
    local mode
    mode=$(stat -c %a "$path")
    if [ "$(( 8#$mode & 8#077 ))" -ne 0 ]; then
        chmod 600 "$path"
        echo "warning: $path was readable by other users (mode $mode), now 0600. If it is an" \
            "API key someone may have read, revoke it (erp-backend list-keys, revoke-key) and" \
            "delete the file to get a new one." >&2
    fi
}

new_secret() {  # a random secret for signing
    .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))'
}
