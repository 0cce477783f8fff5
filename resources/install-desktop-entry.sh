#!/bin/sh
# Adds the ColorSeg in this folder to your desktop's application menu and to the file
# manager's "Open With" list for images (for your user only, nothing system-wide).
#   ./install-desktop-entry.sh              add, or update after moving the folder
#   ./install-desktop-entry.sh --uninstall  remove what it added
set -eu

app_id=io.github.colorseg.ColorSeg
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
exe=$here/ColorSeg
resources=$here/_internal/resources
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps=$data/applications
icons=$data/icons/hicolor

refresh() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$apps" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$icons/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$icons" 2>/dev/null || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$apps/$app_id.desktop" "$icons/scalable/apps/colorseg.svg"
    for dir in "$resources"/icons/hicolor/*x*; do
        rm -f "$icons/$(basename "$dir")/apps/colorseg.png"
    done
    refresh
    echo "ColorSeg removed from the application menu"
    exit 0
elif [ $# -gt 0 ]; then
    echo "usage: $0 [--uninstall]" >&2
    exit 2
fi

if [ ! -x "$exe" ] || [ ! -f "$resources/$app_id.desktop" ]; then
    echo "$0: ColorSeg and _internal/resources must be beside this script" >&2
    exit 1
fi
# The menu entry runs the program by its absolute path, quoted for the spaces a folder
# name may have; characters that need the desktop format's own escaping are refused.
case $exe in
    *[\"\`\$\\%]*)
        echo "$0: move ColorSeg to a folder whose path has none of \" \` \$ \\ % in it" >&2
        exit 1 ;;
esac

mkdir -p "$apps"
entry=$apps/$app_id.desktop
while IFS= read -r line || [ -n "$line" ]; do
    case $line in
        Exec=*) printf 'Exec="%s" %%F\n' "$exe" ;;
        TryExec=*) printf 'TryExec=%s\n' "$exe" ;;
        *) printf '%s\n' "$line" ;;
    esac
done <"$resources/$app_id.desktop" >"$entry.tmp"
mv "$entry.tmp" "$entry"

for dir in "$resources"/icons/hicolor/*x*; do
    size=$(basename "$dir")
    mkdir -p "$icons/$size/apps"
    cp "$dir/apps/colorseg.png" "$icons/$size/apps/colorseg.png"
done
mkdir -p "$icons/scalable/apps"
cp "$resources/icons/colorseg.svg" "$icons/scalable/apps/colorseg.svg"
refresh
echo "ColorSeg added to the application menu and to Open With for images ($entry)"
