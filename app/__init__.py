"""Casustafel: the integraal / multidisciplinair overleg."""
