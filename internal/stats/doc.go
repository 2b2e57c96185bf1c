// Package stats is the pure maths of Chimeraforge.
package stats
