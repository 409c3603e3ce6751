// Topic roots of CONTRACT §3 shared by the parts that publish and receive them.

/** Edge → central uplink topics (docs/uplink.md): `hl/uplink/v1/{edge}/{hello|state|p|b}`. */
export const UPLINK_PREFIX = 'hl/uplink/v1/';
