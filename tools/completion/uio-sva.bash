# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# bash completion of uio-sva: commands, each command's options (read from
# its --help, so they never fall behind), devices and option values.
# Installed as BASH_COMPLETION_DIR/uio-sva.

_uio_sva_devices() { # $1: pci (every PCI function) or uio (bound ones)
	local d
	if [ "$1" = pci ]; then
		for d in /sys/bus/pci/devices/*; do
			[ -e "$d" ] && printf '%s\n' "${d##*/}"
		done
	else
		for d in /sys/bus/pci/drivers/uio_pci_sva/????:??:??.?; do
			[ -e "$d" ] && printf '%s\n' "${d##*/}"
		done
		for d in /sys/class/uio/uio*; do
			[ -e "$d" ] && printf '%s\n' "${d##*/}"
		done
	fi
}

_uio_sva() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local prog=${COMP_WORDS[0]} cmd="" i words
	local commands="bind unbind list dma profile help"

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--sysfs | --dev | --state-dir) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	case $prev in
	--sysfs | --dev | --state-dir | --module)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-p | --profile)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-o | --op)
		mapfile -t COMPREPLY < <(compgen -W "fill copy checksum" -- "$cur")
		return ;;
	-b | --buffer)
		mapfile -t COMPREPLY < <(compgen -W "malloc mmap stack unmapped readonly" -- "$cur")
		return ;;
	-s | --size | --pattern | --seed | --offset | -t | --timeout | -n | \
		--repeat | --pasid | --expect-error | --module-params)
		COMPREPLY=()
		return ;;
	esac

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			words=$("$prog" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
		else
			words=$commands
		fi
	elif [[ $cur == -* ]]; then
		words=$("$prog" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
	else
		case $cmd in
		bind) words=$(_uio_sva_devices pci) ;;
		unbind | list | dma) words=$(_uio_sva_devices uio) ;;
		help) words=$commands ;;
		profile)
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return ;;
		*) words= ;;
		esac
	fi
	mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}
complete -F _uio_sva uio-sva
