package onnxsynth

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The ONNX protobuf (onnx/onnx.proto3), written by hand: only the messages
// and fields a decoder graph needs. Field numbers are onnx.proto's.

// ONNX element types (TensorProto.DataType).
const (
	typeFloat = 1
	typeInt64 = 7
	typeBool  = 9
)

// AttributeProto.AttributeType.
const (
	attrFloat = 1
	attrInt   = 2
	attrInts  = 7
)

func appendString(b []byte, field protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytes(b []byte, field protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendVarint(b []byte, field protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, field, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendPacked(b []byte, field protowire.Number, vs []int64) []byte {
	var p []byte
	for _, v := range vs {
		p = protowire.AppendVarint(p, uint64(v))
	}
	return appendBytes(b, field, p)
}

// tensorProto encodes a TensorProto: dims (1), data_type (2), name (8),
// raw_data (9, little-endian).
func tensorProto(name string, elemType int, dims []int64, raw []byte) []byte {
	var b []byte
	if len(dims) > 0 {
		b = appendPacked(b, 1, dims)
	}
	b = appendVarint(b, 2, uint64(elemType))
	b = appendString(b, 8, name)
	return appendBytes(b, 9, raw)
}

func rawFloat32(vs []float32) []byte {
	raw := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return raw
}

func rawInt64(vs []int64) []byte {
	raw := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(v))
	}
	return raw
}

// An attribute is an encoded AttributeProto: name (1), f (2), i (3),
// ints (8), type (20).
type attribute []byte

func intAttr(name string, v int64) attribute {
	b := appendString(nil, 1, name)
	b = appendVarint(b, 3, uint64(v))
	return appendVarint(b, 20, attrInt)
}

func floatAttr(name string, v float32) attribute {
	b := appendString(nil, 1, name)
	b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
	b = protowire.AppendFixed32(b, math.Float32bits(v))
	return appendVarint(b, 20, attrFloat)
}

func intsAttr(name string, vs ...int64) attribute {
	b := appendString(nil, 1, name)
	for _, v := range vs {
		b = appendVarint(b, 8, uint64(v))
	}
	return appendVarint(b, 20, attrInts)
}

// nodeProto encodes a NodeProto: input (1), output (2), name (3),
// op_type (4), attribute (5).
func nodeProto(name, op string, inputs, outputs []string, attrs []attribute) []byte {
	var b []byte
	for _, in := range inputs {
		b = appendString(b, 1, in)
	}
	for _, out := range outputs {
		b = appendString(b, 2, out)
	}
	b = appendString(b, 3, name)
	b = appendString(b, 4, op)
	for _, a := range attrs {
		b = appendBytes(b, 5, a)
	}
	return b
}

// A dim is one dimension of a graph input or output: a fixed size, or a
// symbolic name ("batch") when size is 0.
type dim struct {
	size  int64
	param string
}

// valueInfo encodes a ValueInfoProto: name (1), type (2) = TypeProto with
// tensor_type (1) = {elem_type (1), shape (2) = {dim (1) = {dim_value (1) |
// dim_param (2)}}}.
func valueInfo(name string, elemType int, dims []dim) []byte {
	var shape []byte
	for _, d := range dims {
		var db []byte
		if d.param != "" {
			db = appendString(db, 2, d.param)
		} else {
			db = appendVarint(db, 1, uint64(d.size))
		}
		shape = appendBytes(shape, 1, db)
	}
	tt := appendVarint(nil, 1, uint64(elemType))
	tt = appendBytes(tt, 2, shape)
	typ := appendBytes(nil, 1, tt)
	b := appendString(nil, 1, name)
	return appendBytes(b, 2, typ)
}
