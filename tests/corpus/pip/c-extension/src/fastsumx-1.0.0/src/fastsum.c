long fastsum(const long *v, long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += v[i];
	return s;
}
