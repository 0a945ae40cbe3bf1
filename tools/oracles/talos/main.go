// Command talos-validate is a test-only oracle: it loads Talos machine configs with the
// real Talos machinery loader (strict multi-document decode) and validates them.
//
// Usage: talos-validate [-mode metal|cloud|container] [-strict] FILE...
//
// For every file it prints one JSON line {"file","ok","warnings","error"} on stdout.
// Exit status: 0 when every file is valid, 1 when at least one is not, 2 on usage errors.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/siderolabs/talos/pkg/machinery/config/configloader"
	"github.com/siderolabs/talos/pkg/machinery/config/validation"
)

type runtimeMode struct {
	name        string
	install     bool
	inContainer bool
}

func (m runtimeMode) String() string        { return m.name }
func (m runtimeMode) RequiresInstall() bool { return m.install }
func (m runtimeMode) InContainer() bool     { return m.inContainer }

var modes = map[string]runtimeMode{
	"metal":     {"metal", true, false},
	"cloud":     {"cloud", false, false},
	"container": {"container", false, true},
}

type result struct {
	File     string   `json:"file"`
	OK       bool     `json:"ok"`
	Warnings []string `json:"warnings"`
	Error    string   `json:"error,omitempty"`
}

func check(path string, mode runtimeMode, strict bool) result {
	res := result{File: path, Warnings: []string{}}

	data, err := os.ReadFile(path)
	if err != nil {
		res.Error = err.Error()

		return res
	}

	cfg, err := configloader.NewFromBytes(data)
	if err != nil {
		res.Error = "load: " + err.Error()

		return res
	}

	var opts []validation.Option
	if strict {
		opts = append(opts, validation.WithStrict())
	}

	warnings, err := cfg.Validate(mode, opts...)
	if warnings != nil {
		res.Warnings = warnings
	}

	if err != nil {
		res.Error = "validate: " + err.Error()

		return res
	}

	res.OK = true

	return res
}

func main() {
	modeName := flag.String("mode", "metal", "runtime mode: metal, cloud or container")
	strict := flag.Bool("strict", true, "treat warnings as errors")
	flag.Parse()

	mode, ok := modes[*modeName]
	if !ok || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: talos-validate [-mode metal|cloud|container] [-strict=true|false] FILE...")
		os.Exit(2)
	}

	enc := json.NewEncoder(os.Stdout)
	failed := false

	for _, path := range flag.Args() {
		res := check(path, mode, *strict)
		if !res.OK {
			failed = true
		}

		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}

	if failed {
		os.Exit(1)
	}
}
