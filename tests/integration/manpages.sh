#!/bin/sh
# Every manual page under man/ formats without a groff warning and is
# installed (listed in dist_man_MANS of the generated Makefile).
. "$(dirname "$0")/lib.sh"

pages=$(ls "$top_srcdir"/man/*.[1-8] 2> /dev/null)
[ -n "$pages" ] || skip_all "no manual pages under man/"
n=$(printf '%s\n' "$pages" | wc -l | tr -d ' ')
plan $((2 * n))

if command -v groff > /dev/null 2>&1; then have_groff=1; else have_groff=0; fi

# the automake variable, its continuation lines joined
installed=$(sed -n '/^dist_man_MANS *=/,/[^\\]$/p' "$top_builddir/Makefile" 2> /dev/null |
	tr -d '\\' | tr '\n\t' '  ' | sed 's/^dist_man_MANS *=//')

for page in $pages; do
	name=man/$(basename "$page")
	if [ "$have_groff" = 0 ]; then
		skip "$name formats without warnings (groff not found)"
	else
		# a page that needs tbl says so on its first line ('\" t)
		pre=
		head -n 1 "$page" | grep -q "^'\\\\\" .*t" && pre=-t
		groff $pre -man -ww -z "$page" > "$TMP/groff" 2>&1
		if [ $? -eq 0 ] && [ ! -s "$TMP/groff" ]; then
			ok "$name formats without warnings"
		else
			not_ok "$name formats without warnings"
			diag < "$TMP/groff"
		fi
	fi
	case " $installed " in
	*" $name "*) ok "$name is installed (dist_man_MANS)" ;;
	*)
		not_ok "$name is installed (dist_man_MANS)"
		diag "dist_man_MANS =$installed"
		;;
	esac
done
finish
