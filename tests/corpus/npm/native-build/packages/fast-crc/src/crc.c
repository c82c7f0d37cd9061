unsigned crc_byte(unsigned c, unsigned char b)
{
	c ^= b;
	for (int k = 0; k < 8; k++)
		c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	return c;
}
