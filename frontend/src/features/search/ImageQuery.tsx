import { useEffect, useRef, useState } from 'react';
import type { QueryImage } from './api';

interface Props {
  image: QueryImage | null;
  onImage: (image: QueryImage) => void;
}

let counter = 0;
export function toQueryImage(file: Blob, name?: string): QueryImage {
  counter += 1;
  const fileName = name ?? (file instanceof File && file.name ? file.name : 'pasted-image.png');
  return { file, name: fileName, key: `${counter}:${fileName}:${file.size}` };
}

/** The first image among pasted or dropped data, if any. */
export function imageFrom(data: DataTransfer | null): File | null {
  if (!data) return null;
  for (const file of [...data.files]) if (file.type.startsWith('image/')) return file;
  for (const entry of [...data.items]) {
    if (entry.kind === 'file' && entry.type.startsWith('image/')) return entry.getAsFile();
  }
  return null;
}

/** Pick, drop or paste (Ctrl+V anywhere on the page) an image to search with. */
export function ImageQuery({ image, onImage }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  useEffect(() => {
    if (!image) return setPreview(null);
    const url = URL.createObjectURL(image.file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [image]);

  return (
    <div
      className={over ? 'image-query over' : 'image-query'}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        const file = imageFrom(event.dataTransfer);
        setOver(false);
        if (!file) return;
        event.preventDefault();
        onImage(toQueryImage(file));
      }}
    >
      {preview ? <img className="query-preview" src={preview} alt={`Query image ${image?.name ?? ''}`} /> : null}
      <div>
        <button type="button" className="button" onClick={() => input.current?.click()}>
          {image ? 'Choose another image' : 'Choose an image'}
        </button>
        <input
          ref={input}
          type="file"
          accept="image/*"
          hidden
          aria-label="Image to search with"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) onImage(toQueryImage(file));
            event.target.value = '';
          }}
        />
        <p className="muted small">…or drop one here, or paste one (Ctrl+V).</p>
        {image ? <p className="small">{image.name}</p> : null}
      </div>
    </div>
  );
}
