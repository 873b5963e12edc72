//go:build tools

// Keeps kwok's main package in this module's graph so that go.sum covers it.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
