// Command typedump is a development tool: it loads one document of every Talos config kind with the
// real machinery loader and prints, via reflection, the Go type layout the YAML encoder and the
// strategic merge see (field order, yaml tags, omitempty, merge tags, custom marshalers, custom
// mergers). The output is the data table compiler/talos/types_table.json.
package main

import (
	"encoding"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/siderolabs/talos/pkg/machinery/config/configloader"
	yaml "go.yaml.in/yaml/v4"
)

var kinds = []string{
	"ExistingVolumeConfig", "RawVolumeConfig", "SwapVolumeConfig", "UserVolumeConfig", "VolumeConfig", "ZswapConfig",
	"RegistryAuthConfig", "RegistryMirrorConfig", "RegistryTLSConfig", "ExtensionServiceConfig", "PCIDriverRebindConfig",
	"BondConfig", "BridgeConfig", "DHCPv4Config", "DHCPv6Config", "NetworkDefaultActionConfig", "DummyLinkConfig",
	"EthernetConfig", "HCloudVIPConfig", "HostnameConfig", "KubeSpanEndpoints", "Layer2VIPConfig", "LinkAliasConfig",
	"LinkConfig", "ResolverConfig", "NetworkRuleConfig", "StaticHostConfig", "TimeSyncConfig", "VLANConfig",
	"WireguardConfig", "EventSinkConfig", "KmsgLogConfig", "OOMConfig", "WatchdogTimerConfig", "TrustedRootsConfig",
	"SideroLinkConfig", "KubespanEndpointsConfig", "KubeFlannelCNIConfig", "KubeletConfig",
}

type field struct {
	Go        string `json:"go"`
	Key       string `json:"key"`
	OmitEmpty bool   `json:"omitempty,omitempty"`
	Inline    bool   `json:"inline,omitempty"`
	Flow      bool   `json:"flow,omitempty"`
	Replace   bool   `json:"replace,omitempty"`
	Type      any    `json:"type"`
}

type typeInfo struct {
	Kind        string  `json:"kind"`
	Underlying  any     `json:"underlying,omitempty"`
	Fields      []field `json:"fields,omitempty"`
	MarshalYAML bool    `json:"marshalYAML,omitempty"`
	Unmarshal   bool    `json:"unmarshalYAML,omitempty"`
	Text        bool    `json:"textMarshaler,omitempty"`
	IsZeroer    bool    `json:"isZeroer,omitempty"`
	Merger      bool    `json:"merger,omitempty"`
}

type merger interface{ Merge(other any) error }

var (
	types         = map[string]*typeInfo{}
	marshalerT    = reflect.TypeFor[yaml.Marshaler]()
	unmarshalerT  = reflect.TypeFor[yaml.Unmarshaler]()
	textT         = reflect.TypeFor[encoding.TextMarshaler]()
	zeroerT       = reflect.TypeFor[yaml.IsZeroer]()
	mergerT       = reflect.TypeFor[merger]()
)

func name(t reflect.Type) string {
	p := t.PkgPath()
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}

	return p + "." + t.Name()
}

func ref(t reflect.Type) any {
	if t.Name() != "" && t.PkgPath() != "" {
		n := name(t)
		if _, ok := types[n]; !ok {
			info := &typeInfo{Kind: t.Kind().String()}
			types[n] = info
			info.MarshalYAML = t.Implements(marshalerT) || reflect.PointerTo(t).Implements(marshalerT)
			info.Unmarshal = reflect.PointerTo(t).Implements(unmarshalerT)
			info.Text = t.Implements(textT) || reflect.PointerTo(t).Implements(textT)
			info.IsZeroer = t.Implements(zeroerT)
			info.Merger = reflect.PointerTo(t).Implements(mergerT)

			if t.Kind() == reflect.Struct {
				info.Fields = fields(t)
			} else {
				info.Underlying = anon(t)
			}
		}

		return n
	}

	return anon(t)
}

func anon(t reflect.Type) any {
	switch t.Kind() { //nolint:exhaustive
	case reflect.Pointer:
		return map[string]any{"ptr": ref(t.Elem())}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes"
		}

		return map[string]any{"slice": ref(t.Elem())}
	case reflect.Array:
		return map[string]any{"array": ref(t.Elem()), "len": t.Len()}
	case reflect.Map:
		return map[string]any{"map": ref(t.Elem()), "key": ref(t.Key())}
	case reflect.Interface:
		return "any"
	case reflect.Struct:
		return map[string]any{"struct": fields(t)}
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "int"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "uint"
	case reflect.Float32, reflect.Float64:
		return "float"
	default:
		return "unsupported:" + t.Kind().String()
	}
}

func fields(t reflect.Type) []field {
	var out []field

	for i := range t.NumField() {
		f := t.Field(i)
		if f.PkgPath != "" && !f.Anonymous {
			continue
		}

		tag := f.Tag.Get("yaml")
		parts := strings.Split(tag, ",")
		fl := field{Go: f.Name, Key: parts[0]}

		if fl.Key == "-" {
			continue
		}

		if fl.Key == "" {
			fl.Key = strings.ToLower(f.Name)
		}

		for _, p := range parts[1:] {
			switch p {
			case "omitempty":
				fl.OmitEmpty = true
			case "inline":
				fl.Inline = true
			case "flow":
				fl.Flow = true
			}
		}

		for _, p := range strings.Split(f.Tag.Get("merge"), ",") {
			if p == "replace" {
				fl.Replace = true
			}
		}

		fl.Type = ref(f.Type)
		out = append(out, fl)
	}

	return out
}

func main() {
	docs := map[string]string{}

	for _, k := range kinds {
		cfg, err := configloader.NewFromBytes([]byte("apiVersion: v1alpha1\nkind: " + k + "\nname: x\n"))
		if err != nil {
			cfg, err = configloader.NewFromBytes([]byte("apiVersion: v1alpha1\nkind: " + k + "\n"))
		}

		if err != nil {
			fmt.Fprintln(os.Stderr, "skipping kind", k+":", err)

			continue
		}

		t := reflect.TypeOf(cfg.Documents()[0])
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}

		docs[k] = ref(t).(string)
	}

	cfg, err := configloader.NewFromBytes([]byte("version: v1alpha1\nmachine: {}\n"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	t := reflect.TypeOf(cfg.Documents()[0]).Elem()
	docs["v1alpha1"] = ref(t).(string)

	keys := make([]string, 0, len(types))
	for k := range types {
		keys = append(keys, k)
	}

	sort.Strings(keys)

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")

	if err := enc.Encode(map[string]any{"documents": docs, "types": types}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
