// Image URLs from the API: used as-is when no token is needed; with a token an <img> cannot send
// the header, so the bytes are fetched with it and shown through an object URL.
import { useEffect, useState } from 'react';
import { useToken } from './token';

export function useImageSrc(url: string | null | undefined): { src: string | null; failed: boolean } {
  const token = useToken();
  const [state, setState] = useState<{ src: string | null; failed: boolean }>({ src: null, failed: false });
  useEffect(() => {
    if (!url) {
      setState({ src: null, failed: false });
      return;
    }
    if (!token) {
      setState({ src: url, failed: false });
      return;
    }
    const controller = new AbortController();
    let objectUrl: string | null = null;
    setState({ src: null, failed: false });
    fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal })
      .then((response) => (response.ok ? response.blob() : Promise.reject(new Error(String(response.status)))))
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        setState({ src: objectUrl, failed: false });
      })
      .catch(() => {
        if (!controller.signal.aborted) setState({ src: null, failed: true });
      });
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url, token]);
  return state;
}
