import type { ImgHTMLAttributes } from 'react';
import { useImageSrc } from '../lib/useImageSrc';

type Props = Omit<ImgHTMLAttributes<HTMLImageElement>, 'src'> & { url: string; alt: string };

/** An image served by the API; fetched with the token when one is set. */
export function ApiImage({ url, alt, ...rest }: Props) {
  const { src, failed } = useImageSrc(url);
  if (failed) return <span className="image-failed">Image unavailable</span>;
  if (!src) return <span className="image-placeholder" aria-hidden="true" />;
  return <img src={src} alt={alt} {...rest} />;
}
