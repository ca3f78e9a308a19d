// physalia-runc: an OCI runtime wrapper registered as dockerd's default
// runtime. The VMs this project is tested on lack CAP_SYS_RESOURCE in their
// capability bounding set, while Docker asks for every capability when a
// container is --privileged; runc then fails with "unable to apply caps:
// operation not permitted". This wrapper removes the capabilities named in
// PHYSALIA_RUNC_DROP (default CAP_SYS_RESOURCE) from every capability set of
// the bundle's config.json (create, run) and of the process spec given to
// `runc exec --process`, then executes the real runc with the same arguments.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

const defaultRealRunc = "/usr/sbin/runc"

func main() {
	real := os.Getenv("PHYSALIA_REAL_RUNC")
	if real == "" {
		real = defaultRealRunc
	}
	drop := map[string]bool{}
	list := os.Getenv("PHYSALIA_RUNC_DROP")
	if list == "" {
		list = "CAP_SYS_RESOURCE"
	}
	for _, c := range strings.Split(list, ",") {
		drop[strings.TrimSpace(c)] = true
	}
	args := os.Args[1:]
	if cmd, i := subcommand(args); i >= 0 {
		rest := args[i+1:]
		var file string
		switch cmd {
		case "create", "run":
			bundle := flagValue(rest, "bundle", "b")
			if bundle == "" {
				bundle = "."
			}
			file = filepath.Join(bundle, "config.json")
		case "exec":
			file = flagValue(rest, "process", "p")
		}
		if file != "" {
			if err := rewrite(file, cmd != "exec", drop); err != nil {
				fmt.Fprintf(os.Stderr, "physalia-runc: %s: %v\n", file, err)
				os.Exit(1)
			}
		}
	}
	argv := append([]string{real}, args...)
	if err := syscall.Exec(real, argv, os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "physalia-runc: exec %s: %v\n", real, err)
		os.Exit(127)
	}
}

// globalWithValue are runc's global flags that take a separate value.
var globalWithValue = map[string]bool{
	"--root": true, "--log": true, "--log-format": true, "--criu": true, "--rootless": true,
}

// subcommand returns runc's subcommand and its index, skipping global flags.
func subcommand(args []string) (string, int) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if globalWithValue[a] {
				i++
			}
			continue
		}
		return a, i
	}
	return "", -1
}

// flagValue finds --long VALUE, --long=VALUE, -s VALUE or -s=VALUE.
func flagValue(args []string, long, short string) string {
	for i, a := range args {
		for _, name := range []string{"--" + long, "-" + long, "-" + short} {
			if a == name && i+1 < len(args) {
				return args[i+1]
			}
			if strings.HasPrefix(a, name+"=") {
				return a[len(name)+1:]
			}
		}
	}
	return ""
}

// rewrite removes the dropped capabilities from file, which is a whole OCI
// config (bundle) or a bare process spec (exec).
func rewrite(file string, bundle bool, drop map[string]bool) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	proc := doc
	if bundle {
		p, ok := doc["process"].(map[string]any)
		if !ok {
			return nil
		}
		proc = p
	}
	caps, ok := proc["capabilities"].(map[string]any)
	if !ok {
		return nil
	}
	changed := false
	for set, v := range caps {
		names, ok := v.([]any)
		if !ok {
			continue
		}
		kept := names[:0:0]
		for _, n := range names {
			if s, ok := n.(string); ok && drop[s] {
				changed = true
				continue
			}
			kept = append(kept, n)
		}
		caps[set] = kept
	}
	if !changed {
		return nil
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	tmp := file + ".physalia-tmp"
	if err := os.WriteFile(tmp, out, info.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}
